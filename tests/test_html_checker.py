def test_html_checker_reports_invalid_markup(html_errors):
    valid = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><p>x</p></body></html>'
    )
    errors = html_errors({"valid": valid, "invalid": valid.replace("<p>x</p>", "<p><div>x</div></p>")})
    assert errors["valid"] == []
    assert errors["invalid"]
