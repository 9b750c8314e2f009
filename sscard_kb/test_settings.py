"""Settings for the test suite: the project settings with a throwaway key and plain static storage."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-7Hq2vN9xLp4RzW8mK3cJ6bY1tF5gD0sAeU-not-a-secret")
os.environ["TESTING"] = "true"

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the finders, as in development; nothing is collected for tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
