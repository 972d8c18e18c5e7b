"""Signing and verifying what the portal issues (R-VE-4).

- ``pdf``: PAdES signatures on every PDF the portal hands out (certificates, CVS
  reports, receipts) with pyHanko; ``sign_pdf`` is the one signing function.
- ``pdf_keys``: where the PDF signing key and chain come from (files named in the
  environment in production; a local CA under ``var/`` in development and tests).
- ``jsonld``, ``data_integrity``, ``multikey``: W3C Data Integrity proofs with the
  ``eddsa-rdfc-2022`` cryptosuite, over JSON-LD contexts bundled in ``contexts/``.
- ``did``, ``status_list``, ``credential``: the issuer's ``did:web`` document, the
  Bitstring Status List and the certificate as a Verifiable Credential.
- ``verify``: one verifier for PDFs and credential files, used by the public page,
  the API and ``manage.py verify_credential``.
"""
