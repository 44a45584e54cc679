"""The Flask side: sign-in, downloads, findings-pack jobs, security headers."""
