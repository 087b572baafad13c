-- wrk script for the webhook benchmark: POST a small JSON body.
wrk.method = "POST"
wrk.body = '{"n": 1}'
wrk.headers["Content-Type"] = "application/json"
