# ruff: noqa: S311, S603, S607 (a benchmark: synthetic data; it runs local tools with arguments of its own)
"""What bench/http.py and bench/faults.py share: a checkout served as in production (gunicorn, DEBUG off, static
files collected, realistic content) on SQLite or PostgreSQL, optionally Redis and nginx in front, and wrk."""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/sscard_serve_bench"
DATABASE_PREFIX = "sscard_serve"
REDIS_URL = "redis://127.0.0.1:6379/11"
LAW = "中华人民共和国社会保险法"  # the Social Insurance Law's official title: 98 articles

TOPICS = ["Applying for a card", "Replacing a lost card", "Bank functions", "Medical insurance", "Pensions"]
VERBS = ["apply for", "replace", "activate", "upgrade", "unfreeze", "change the bank of", "collect", "renew"]
PLACES = ["Beijing", "Tianjin", "Hebei", "Shijiazhuang", "Baoding", "Langfang", "Tangshan", "Chengde"]
WORDS = (
    "social security card bank office insurance pension medical account record employer employee online service "
    "centre replacement application identity certificate photograph password activation counter appointment "
    "the a of to and in for with can be is are your you it on at by from this that as or if within days"
).split()


def chinese_number(n):
    """1 to 99 in Chinese numerals (一, 十, 十二, 二十, 九十八)."""
    digits = "零一二三四五六七八九"
    tens, units = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")) + (digits[units] if units else "")


def _sentence(rng, length):
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def source_text(rng, number):
    """One source text (docs/source-format.md) of about 2 KB citing two articles of the Social Insurance Law."""
    topic = TOPICS[number % len(TOPICS)]
    question = f"How do I {rng.choice(VERBS)} my social security card in {rng.choice(PLACES)} (case {number})?"
    first, second = sorted(rng.sample(range(1, 99), 2))
    paragraphs = [
        f"Social Insurance Inquiries - {topic} - {question}",
        question,
        " ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(3)),
        "The methods are as follows:",
        *(f"{i}. Step {i}: {_sentence(rng, rng.randint(10, 20))}" for i in range(1, 5)),
        "Matters needing attention:",
        " ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(3)),
        "Legal analysis: " + " ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(4)),
        f"法律依据：《{LAW}》第{chinese_number(first)}条",
        f"第{chinese_number(second)}条",
    ]
    return "\n\n".join(paragraphs) + "\n"


def log(message):
    print(message, file=sys.stderr, flush=True)


class Site:
    """A checkout served by gunicorn as in production, with its database, static files and content."""

    def __init__(
        self,
        project,
        *,
        postgres=False,
        redis=False,
        workers=2,
        port=8091,
        answers=200,
        seed=1,
        database_url=None,
        redis_url=REDIS_URL,
        settings_module=None,
    ):
        self.project = Path(project).resolve()
        self.postgres, self.redis, self.workers, self.port = postgres, redis, workers, port
        self.answers, self.seed = answers, seed
        self.tmp = Path(tempfile.mkdtemp(prefix="sscard-serve-bench-"))
        self.tmp.chmod(0o755)  # nginx's workers read the static files in it
        venv_python = self.project / ".venv" / "bin" / "python"
        self.python = str(venv_python) if venv_python.exists() else sys.executable
        self.database_url = database_url or (POSTGRES_URL if postgres else f"sqlite:///{self.tmp / 'db.sqlite3'}")
        self.redis_url = redis_url
        self.env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "TESTING"}}
        self.env |= {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.database_url,
            "CONN_MAX_AGE": "600" if postgres else "0",
            "REDIS_URL": redis_url if redis else "",
            "STATIC_ROOT": str(self.tmp / "static"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "false",
        }
        if settings_module:  # for gunicorn only: manage.py runs with the site's own settings
            self.serve_env = self.env | {"DJANGO_SETTINGS_MODULE": settings_module}
        else:
            self.serve_env = self.env
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args):
        result = subprocess.run(
            [self.python, "manage.py", *args], cwd=self.project, env=self.env, capture_output=True, text=True
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def static_root(self):
        """Where this checkout's collectstatic writes (an older one may not read STATIC_ROOT)."""
        code = "from django.conf import settings; print(settings.STATIC_ROOT)"
        return Path(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def prepare(self):
        from bench.common import recreate_database

        if self.postgres:
            recreate_database(self.database_url, DATABASE_PREFIX)
        if self.redis:
            subprocess.run(["redis-cli", "-u", self.redis_url, "flushdb"], check=True, capture_output=True)
        started = time.perf_counter()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        if (self.project / "legal_refs/management/commands/import_law_text.py").exists():
            self.manage("import_law_text", "fixtures/laws/")
        self.load_answers()
        log(f"prepared {self.project} in {time.perf_counter() - started:.0f} s")

    def load_answers(self):
        import random

        rng = random.Random(self.seed)
        folder = self.tmp / "source"
        folder.mkdir()
        for number in range(1, self.answers + 1):
            (folder / f"{number:04d}.txt").write_text(source_text(rng, number), encoding="utf-8")
        log(self.manage("import_source_texts", str(folder)).strip().splitlines()[-1])

    def start(self):
        command = [self.python, "-m", "gunicorn"]
        if (self.project / "gunicorn.conf.py").exists():
            command += ["-c", "gunicorn.conf.py"]
        command += [
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "sscard_kb.wsgi:application",
        ]
        self.process = subprocess.Popen(command, cwd=self.project, env=self.serve_env)  # noqa: S603
        wait_for(f"{self.url}/robots.txt")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=40)

    def cleanup(self, keep=False):
        from bench.common import drop_database

        self.stop()
        if self.postgres and not keep:
            drop_database(self.database_url, DATABASE_PREFIX)
        if self.redis:
            subprocess.run(["redis-cli", "-u", self.redis_url, "flushdb"], check=False, capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


class Nginx:
    """Debian's nginx in a temporary prefix, with the repository's plain-HTTP site in front of `site`."""

    def __init__(self, site, port=8092):
        self.site, self.port = site, port
        self.prefix = site.tmp / "nginx"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def configure(self, variant="sscard-kb-http.conf", listen=None):
        """Write nginx.conf for `variant` into the prefix, with this run's ports and paths; return its path."""
        deploy = ROOT / "deploy" / "nginx"
        (self.prefix / "snippets").mkdir(parents=True, exist_ok=True)
        (self.prefix / "logs").mkdir(exist_ok=True)
        locations = (deploy / "sscard-kb-locations.conf").read_text()
        locations = locations.replace("/srv/sscard-kb/staticfiles/", f"{self.site.static_root()}/")
        locations = locations.replace("/srv/sscard-kb/media/", f"{self.site.tmp / 'media'}/")
        (self.prefix / "snippets" / "sscard-kb-locations.conf").write_text(locations)
        text = (deploy / variant).read_text().replace("127.0.0.1:8000", f"127.0.0.1:{self.site.port}")
        text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)
        text = text.replace("listen 80;", f"listen 127.0.0.1:{listen or self.port};")
        if variant == "sscard-kb.conf":  # a certificate made for the test
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
                + ["-keyout", str(self.prefix / "key.pem"), "-out", str(self.prefix / "cert.pem")],
                check=True,
                capture_output=True,
            )
            text = text.replace("/etc/letsencrypt/live/kb.example.org/fullchain.pem", str(self.prefix / "cert.pem"))
            text = text.replace("/etc/letsencrypt/live/kb.example.org/privkey.pem", str(self.prefix / "key.pem"))
            text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.port + 1} ssl http2;")
        (self.prefix / "site.conf").write_text(text)
        user = "root" if os.geteuid() == 0 else ""
        conf = self.prefix / f"nginx-{variant}"
        conf.write_text(
            (f"user {user};\n" if user else "")
            + f"pid {self.prefix}/nginx.pid;\nerror_log {self.prefix}/logs/error.log warn;\nworker_processes 2;\n"
            + "events { worker_connections 1024; }\n"
            + "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            + "  sendfile on;\n  tcp_nopush on;\n  access_log off;\n"
            + "".join(
                f"  {kind}_temp_path {self.prefix}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi")
            )
            + f"  scgi_temp_path {self.prefix}/scgi;\n  include {self.prefix}/site.conf;\n}}\n"
        )
        return conf

    def test(self, conf):
        result = subprocess.run(
            ["nginx", "-p", f"{self.prefix}/", "-c", str(conf), "-t"], capture_output=True, text=True
        )
        return result.returncode == 0, result.stderr.strip()

    def start(self):
        conf = self.configure()
        ok, output = self.test(conf)
        if not ok:
            raise SystemExit(f"nginx -t failed:\n{output}")
        self.process = subprocess.Popen(["nginx", "-p", f"{self.prefix}/", "-c", str(conf), "-g", "daemon off;"])  # noqa: S603,S607
        wait_for(f"{self.url}/robots.txt")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(timeout=20)


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own local server)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def fetch(url, headers=None):
    """(status, headers, body text) of a GET, following no redirect."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (our own local server)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def wrk(url, *, threads=2, connections=16, duration="6s", script=None):
    """Run wrk against `url`; return requests/s, p99 latency in ms, errors (non-2xx/3xx and socket) and its output."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    return rate, p99, errors, output


def _milliseconds(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
