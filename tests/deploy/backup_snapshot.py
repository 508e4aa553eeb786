"""What a backup must carry over, read the same way from the original and from the restored installation
(imported by tests/deploy/test_backup.py, and run in a subprocess against the restored database)."""

import hashlib
import json


def storage_digest(storage):
    from cms.backup import storage_files

    digests = {}
    for name in storage_files(storage):
        with storage.open(name, "rb") as handle:
            digests[name] = hashlib.sha256(handle.read()).hexdigest()
    return digests


def snapshot():
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Page

    from cms.backup import media_storage, private_storage
    from questions.models import Question

    questions = Question.objects.select_related("contact").order_by("tracking_code")
    return {
        "pages": [list(row) for row in Page.objects.order_by("path").values_list("path", "title", "slug", "live")],
        "questions": [
            [q.tracking_code, q.title, q.original_text, q.state, q.attachment.name, q.contact.email, q.contact.phone]
            for q in questions
        ],
        "images": sorted(Image.objects.values_list("title", "file")),
        "documents": sorted(Document.objects.values_list("title", "file")),
        "media": storage_digest(media_storage()),
        "private": storage_digest(private_storage()),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(snapshot(), ensure_ascii=False))
