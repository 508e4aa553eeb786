#!/usr/bin/env python3
"""A self-signed wildcard certificate for trying the kit's nginx (deploy/) without a real one.

    .venv/bin/python scripts/self_signed_certificate.py example.gov.vn deploy/certs

writes fullchain.pem and privkey.pem for `example.gov.vn` and `*.example.gov.vn`, valid for a day: for
tests (tests/deploy/test_nginx.py) and benchmarks (benchmarks/http_bench.py), never for citizens.
"""

import datetime
import sys
from pathlib import Path


def wildcard_certificate(domain: str, directory: Path, *, days: int = 1) -> Path:
    """Write fullchain.pem and privkey.pem for `domain` and `*.domain` into `directory`; return the former."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"*.{domain}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain), x509.DNSName(f"*.{domain}")]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return directory / "fullchain.pem"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(wildcard_certificate(sys.argv[1], Path(sys.argv[2])))
