"""Users, roles and what each role may do. Passwords are stored as salted hashes (werkzeug.security)."""
