"""Staff accounts: the admin site with throttled sign-in, password reset and two-factor sign-in (TOTP)."""
