"""Document lookup (tra cứu văn bản): filters over a commune's legal documents.

Number/symbol search is exact on the folded key (`1381/QĐ-BTTTT` = `1381/QD-BTTTT` = `1381 qđ btttt`);
a partial number (`1381`) falls back to documents whose key contains it.
"""

from communes.models import DocumentField, DocumentStatus, DocumentType
from core.folding import document_number_key, fold
from core.numbers import parse_int
from core.pagination import paginate

# "Còn hiệu lực" / "Hết hiệu lực" as citizens ask; partly expired documents count as both.
STATUS_GROUPS = {
    DocumentStatus.IN_FORCE: [DocumentStatus.IN_FORCE, DocumentStatus.PARTLY_EXPIRED],
    DocumentStatus.EXPIRED: [DocumentStatus.EXPIRED, DocumentStatus.PARTLY_EXPIRED],
}


def document_lookup(request, documents):
    params = request.GET
    errors = []
    filters = {}
    # Issuing bodies actually used here, for the select (one query, deduplicated ignoring case and marks).
    variants = {}
    for body in documents.order_by().values_list("issuing_body", flat=True).distinct():
        variants.setdefault(" ".join(fold(body).split()), []).append(body)
    issuing_bodies = sorted((names[0] for names in variants.values()), key=fold)

    number = params.get("so-ky-hieu", "").strip()[:64]
    if number:
        filters["so_ky_hieu"] = number
        key = document_number_key(number)
        if not key:
            errors.append("Số ký hiệu cần có chữ hoặc số, ví dụ 1381/QĐ-BTTTT.")
        else:
            exact = documents.filter(number_key=key)
            documents = exact if exact.exists() else documents.filter(number_key__contains=key)
    for param, field, choices in (
        ("hinh-thuc", "document_type", DocumentType),
        ("linh-vuc", "field", DocumentField),
    ):
        value = params.get(param, "")
        if value in choices.values:
            documents = documents.filter(**{field: value})
            filters[param.replace("-", "_")] = value
    status = params.get("tinh-trang", "")
    if status in DocumentStatus.values:
        documents = documents.filter(status__in=STATUS_GROUPS.get(status, [status]))
        filters["tinh_trang"] = status
    body = params.get("co-quan", "")
    if body:
        wanted = " ".join(fold(body).split())
        if wanted in variants:
            documents = documents.filter(issuing_body__in=variants[wanted])
            filters["co_quan"] = variants[wanted][0]
        else:
            errors.append(f"Không có văn bản nào của cơ quan “{body[:80]}”.")
    year = params.get("nam", "").strip()
    if year:
        number = parse_int(year, minimum=1945, maximum=2100) if len(year) == 4 else None
        if number is not None:
            documents = documents.filter(issue_date__year=number)
            filters["nam"] = year
        else:
            errors.append(f"Năm ban hành “{year[:10]}” không hợp lệ. Vui lòng nhập 4 chữ số, ví dụ 2024.")
    return {
        "documents": paginate(request, documents),
        "filters": filters,
        "lookup_errors": errors,
        "document_types": DocumentType.choices,
        "document_fields": DocumentField.choices,
        "document_statuses": DocumentStatus.choices,
        "issuing_bodies": issuing_bodies,
    }
