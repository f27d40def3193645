"""Articles in and out: analyse without storing, ingest, list, fetch one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response

from kroniek.api.backend import Backend
from kroniek.api.errors import ApiError
from kroniek.api.formats import FORMAT_RESPONSES, decode_cursor, respond
from kroniek.api.models import (
    ERROR_RESPONSES,
    AnalyseRequest,
    DocumentIn,
    DocumentSummary,
    ErrorResponse,
    IngestResponse,
    IngestResult,
    Page,
)
from kroniek.api.params import Cursor, FormatParam, document_query
from kroniek.model import Document
from kroniek.store.queries import DocumentQuery

router = APIRouter(tags=["documents"], responses=ERROR_RESPONSES)
# FastAPI answers 400 itself for a body it cannot decode (not UTF-8); malformed JSON is a 422.
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "the body could not be decoded"}
}


async def backend(request: Request) -> Backend:
    """The app's backend; async so that no worker thread is taken just to look it up."""
    found: Backend = request.app.state.backend
    return found


Service = Annotated[Backend, Depends(backend)]


@router.post("/analyse", response_model=Document, responses=BODY_RESPONSES)
def analyse(request: AnalyseRequest, service: Service) -> Document:
    """Analyse one article and return the JSON contract; nothing is stored."""
    return service.analyse(request.text, published=request.published, language=request.language, title=request.title)


@router.post(
    "/documents",
    response_model=IngestResponse,
    status_code=201,
    responses={**BODY_RESPONSES, 200: {"model": IngestResponse, "description": "every article was already stored"}},
)
def ingest(
    body: Annotated[DocumentIn | list[DocumentIn], Body(description="one article or a list of them")],
    service: Service,
    response: Response,
) -> IngestResponse:
    """Analyse and store articles. Idempotent: an article whose text is already stored is not analysed again.

    Answers 201 when at least one article was new, 200 when all were already stored.
    """
    articles = body if isinstance(body, list) else [body]
    results = [_ingest_one(article, service) for article in articles]
    stored = sum(result.new for result in results)
    if not stored:
        response.status_code = 200
    return IngestResponse(items=results, stored=stored)


def _ingest_one(article: DocumentIn, service: Service) -> IngestResult:
    candidate = Document.new(article.text, published=article.published, language=article.language)
    if not candidate.text:
        raise ApiError(422, "an article's text is empty once whitespace is removed")
    store = service.store()
    if store.has(candidate.id):
        return IngestResult(id=candidate.id, new=False)
    doc = service.analyse(article.text, published=article.published, language=article.language, title=article.title)
    doc.document.url, doc.document.source = article.url, article.source
    return IngestResult(id=doc.id, new=store.add(doc))


@router.get("/documents", response_model=Page[DocumentSummary], responses=FORMAT_RESPONSES)
def list_documents(
    request: Request,
    response: Response,
    service: Service,
    query: Annotated[DocumentQuery, Depends(document_query)],
    cursor: Cursor = None,
    format: FormatParam = "json",
) -> Any:
    """Stored documents, oldest publication first (undated last)."""
    page = service.store().document_page(query, decode_cursor("documents", cursor))
    return respond(request, response, "documents", page, format, list(DocumentSummary.model_fields))


@router.get("/documents/{doc_id}", response_model=Document)
def get_document(doc_id: str, service: Service) -> Document:
    """One stored document with everything found in it (the JSON contract); the id may be shortened to 6+ characters."""
    return service.store().get(doc_id)
