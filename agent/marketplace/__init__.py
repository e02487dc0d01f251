"""The marketplace side: the port (`port.py`), the wszystko.pl client and everything it leans on.

`client.py` implements the port over httpx2; `tokens.py`, `token_store.py` and `device_flow.py` link
and keep an account; `limits.py`, `retry.py` and `calls.py` make every call survive a hostile network;
`connection.py` publishes each company's connection state for the runtime and the front ends.
"""
