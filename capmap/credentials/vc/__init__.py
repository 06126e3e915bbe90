"""Verifiable credentials without Django: Open Badges 3.0 / VC 2.0 documents, their
`eddsa-rdfc-2022` Data Integrity proofs and VC-JWT form, Bitstring Status Lists, the
1EdTech schema check, and one `verify` that does all of these offline.

Everything here is plain Python (pyld, PyNaCl, joserfc, jsonschema) so it is fast to
test and the same code serves the web page, the command line and the benchmark.
"""
