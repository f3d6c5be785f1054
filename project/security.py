"""The Content-Security-Policy header: the site's pages load scripts, styles and images from
this site alone, and run no inline script or style. Django's admin, which sets a few inline
styles, gets style-src 'unsafe-inline' and nothing else extra."""

from django.conf import settings


def content_security_policy(get_response):
    def middleware(request):
        response = get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(settings.ADMIN_URL_PREFIX)
            response["Content-Security-Policy"] = (
                settings.ADMIN_CONTENT_SECURITY_POLICY
                if admin
                else settings.CONTENT_SECURITY_POLICY
            )
        return response

    return middleware
