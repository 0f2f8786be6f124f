# A private_key_jwt client as Python's authlib makes it, with authlib's defaults (an assertion that
# lives an hour, no kid): signs the assertion, POSTs a password grant with it, prints the answer.
# Usage: authlib_private_key_jwt.py <private key PEM file> <client_id> <token endpoint> <username> <password>
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from authlib.oauth2.rfc7523 import private_key_jwt_sign

key_file, client_id, token_endpoint, username, password = sys.argv[1:6]
with open(key_file, 'rb') as f:
    private_key = f.read()
assertion = private_key_jwt_sign(private_key, client_id, token_endpoint)
if isinstance(assertion, bytes):
    assertion = assertion.decode()
body = urllib.parse.urlencode({
    'grant_type': 'password',
    'username': username,
    'password': password,
    'client_id': client_id,
    'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    'client_assertion': assertion,
}).encode()
request = urllib.request.Request(token_endpoint, data=body, headers={'Content-Type': 'application/x-www-form-urlencoded'})
try:
    with urllib.request.urlopen(request, timeout=20) as response:
        status, text = response.status, response.read().decode()
except urllib.error.HTTPError as err:
    status, text = err.code, err.read().decode()
print(json.dumps({'status': status, 'body': json.loads(text), 'assertion': assertion}))
