"""Cross-cutting protections: staff MFA services, response headers middleware."""
