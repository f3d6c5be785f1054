"""An upload handler that refuses a request's files once they pass the size limit.

Without it Django would write a 200 MB upload to disk before the form could refuse it. A
body that is larger than the limit by its Content-Length is refused before a byte of it is
read; one that grows past the limit while streaming stops being stored there. Either way the
rest of the request is drained, not stored, so the browser still gets our message. The
corpus and gallery upload views put it in front of Django's handlers.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.http.multipartparser import exhaust
from django.utils.datastructures import MultiValueDict

# Room for the multipart headers and the form's other fields around the files.
BODY_OVERHEAD_BYTES = 64 * 1024


class SizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length <= self.limit + BODY_OVERHEAD_BYTES:
            return None
        self.exceeded = True
        exhaust(input_data)
        return QueryDict(), MultiValueDict()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, limit: int) -> SizeLimitHandler:
    """Put a size limit on the files of one request in front of its upload handlers
    (before POST is read)."""
    handler = SizeLimitHandler(request, limit=limit)
    request.upload_handlers.insert(0, handler)
    return handler
