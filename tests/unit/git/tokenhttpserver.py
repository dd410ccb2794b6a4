#!/usr/bin/env python3
"""A git smart-HTTP server that asks for a token, as GitHub and GitLab do over https: git's own
git-http-backend (CGI) behind HTTP Basic authentication with the user x-access-token. For
tst_gitrepository: libgit2's credential callback against a real server (plain http on loopback;
the credential exchange is the same as over TLS).

    tokenhttpserver.py PROJECT_ROOT TOKEN PORT
"""
import base64
import http.server
import os
import shutil
import sys

root, token, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
expected = 'Basic ' + base64.b64encode(f'x-access-token:{token}'.encode()).decode()
os.environ['GIT_PROJECT_ROOT'] = root
os.environ['GIT_HTTP_EXPORT_ALL'] = '1'
# The CGI handler runs scripts found under its directory: git-http-backend there (beside the
# repositories, so that the test's temporary directory takes it away).
serve = os.path.join(root, '.cgi')
os.makedirs(os.path.join(serve, 'git'), exist_ok=True)
shutil.copy('/usr/lib/git-core/git-http-backend', os.path.join(serve, 'git', 'backend'))
os.chdir(serve)
# Run as root (CI), the CGI handler would drop to nobody, who may read neither the temporary
# directories nor the repositories: the backend runs as the test does.
http.server.nobody_uid = os.getuid


class Handler(http.server.CGIHTTPRequestHandler):
    def authorized(self):
        if self.headers.get('Authorization') == expected:
            return True
        self.send_response(401)
        self.send_header('WWW-Authenticate', 'Basic realm="git"')
        self.send_header('Content-Length', '0')
        self.end_headers()
        return False

    def is_cgi(self):
        # /git/<repository>/... -> the backend, with /<repository>/... as its PATH_INFO
        if self.path.startswith('/git/'):
            self.cgi_info = ('/git', 'backend' + self.path[len('/git'):])
            return True
        return False

    def do_GET(self):
        if self.authorized():
            super().do_GET()

    def do_POST(self):
        if self.authorized():
            super().do_POST()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()
