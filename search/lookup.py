"""Document lookup (tra cứu văn bản): filters over a commune's legal documents."""

from communes.models import DocumentField, DocumentStatus, DocumentType, paginate
from search.folding import document_number_key


def document_lookup(request, documents):
    params = request.GET
    number = params.get("so-ky-hieu", "").strip()[:64]
    if number:
        documents = documents.filter(number_key__contains=document_number_key(number))
    for param, field, choices in (
        ("hinh-thuc", "document_type", DocumentType),
        ("linh-vuc", "field", DocumentField),
        ("tinh-trang", "status", DocumentStatus),
    ):
        value = params.get(param)
        if value in choices.values:
            documents = documents.filter(**{field: value})
    year = params.get("nam", "")
    if year.isdigit():
        documents = documents.filter(issue_date__year=int(year))
    return {
        "documents": paginate(request, documents),
        "filters": params,
        "document_types": DocumentType.choices,
        "document_fields": DocumentField.choices,
        "document_statuses": DocumentStatus.choices,
    }
