"""Schemathesis hooks for the contract test (Tests/ServicesTests/ContractTests.swift).

Every request that carries an Idempotency-Key gets a fresh one, as clients are told to send
one per request: a key repeated with another body is answered 422 by design
(draft-ietf-httpapi-idempotency-key-header), and schemathesis' small examples reuse "0".
"""
import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key":
            headers[name] = str(uuid.uuid4())
