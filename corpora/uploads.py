"""An upload handler that stops storing a file once it passes the size limit.

Without it Django would write a 200 MB upload to disk before the form could refuse it.
The rest of the request is drained, not stored, so the browser still gets our message.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, limit: int) -> SizeLimitHandler:
    """Put a size limit in front of the request's upload handlers (before POST is read)."""
    handler = SizeLimitHandler(request, limit=limit)
    request.upload_handlers.insert(0, handler)
    return handler
