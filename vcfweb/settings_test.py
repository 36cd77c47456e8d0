"""Settings for the test suite: the production settings with test-only environment defaults.

Tests run with DEBUG off, as in production. Values given in the environment win, which is how
the suite is pointed at PostgreSQL (DATABASE_URL).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("VCF_DATA_DIR", tempfile.mkdtemp(prefix="vcf-test-data-"))
# The test client and the live server speak plain http; cookies stay Secure as in production.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from vcfweb.settings import *  # noqa: F403

# Hashing with PBKDF2 costs ~100 ms a login; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
