"""``kliping web``: a read-only web application over the stored stories (issue 20).

Pages and a JSON API beside them, served by uvicorn; no JavaScript, no CDN, every outlet-supplied
string escaped by Jinja2's autoescaping.
"""
