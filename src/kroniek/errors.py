"""Errors users can act on, each with a code and a message template.

Exception tree::

    KroniekError
    ├── InputError        bad input: a file, a date, an option (CLI exit code 2)
    │   └── IngestError   one source could not be read into an article
    ├── PipelineError     a stage broke the document contract or is unknown
    ├── StoreError        the database could not be opened or written
    └── BatchError        the batch engine could not start, reach its workers or write its output
"""

from __future__ import annotations

from typing import Any


class Errors:
    E001 = "{path}: file is empty"
    E002 = "{path}: looks like a binary file ({reason}), not an article"
    E003 = "{path}: cannot decode the text ({reason})"
    E004 = "{path}: file is {size_mb:.1f} MB, over the limit of {limit_mb:.1f} MB (set --max-size to raise it)"
    E005 = "{path}: no such file or folder"
    E006 = "{path}: unsupported file type '{suffix}' (use .txt, .html/.htm, .jsonl or a folder)"
    E007 = "{path}: line {line}: {reason}"
    E008 = "{path}: no article text found in the HTML"
    E010 = "invalid publication date '{value}': use YYYY-MM-DD"
    E011 = "unsupported language '{value}': choose one of {choices}"
    E012 = "invalid date '{value}': use YYYY, YYYY-MM, YYYY-MM-DD or a TIMEX3 date such as 2017-W24"
    E013 = "unknown entity recogniser '{value}' (KRONIEK_NER): choose one of {choices}"
    E014 = (
        "the API token (--token, KRONIEK_TOKEN) must be at least {minimum} printable ASCII characters without"
        " spaces (got {length}): make one with python -c 'import secrets; print(secrets.token_urlsafe())'"
    )
    E015 = "{option} needs --engine dask"
    E016 = "say where the results go: --db URL, --out DIR, or both"
    E020 = "unknown stage '{name}': known stages are {known}"
    E021 = "stage '{name}' returned {got}, not a Document: each stage must return the document it was given"
    E022 = "stage '{name}' wrote {kind} offsets [{start}:{end}] that do not match the text"
    E040 = "{what} {path} is missing from the installation: reinstall kroniek, or rebuild it with {command}"
    E030 = "cannot open database {path}: {reason}"
    E031 = "database {path} has schema version {found}, newer than this kroniek ({known}); upgrade kroniek"
    E032 = "no document with id '{doc_id}' in {path}"
    E033 = "'{text}': {which}"
    E034 = "cannot store document {doc_id} in {path}: {reason}"
    E023 = (
        "stage '{name}' ran over the time budget of {seconds:g} s per document; the document was not analysed"
        " (set KRONIEK_TIME_BUDGET to raise it)"
    )
    E024 = "stage '{name}' failed on this document ({error}); please report it with the document"
    E009 = "{path}: not analysed: {reason}"
    E050 = "cannot reach the Dask scheduler at {address}: {reason}"
    E051 = "the Dask scheduler at {address} has no workers after {seconds:g} s: start some with `dask worker {address}`"
    E052 = "{path}: not analysed: the worker analysing it died {times} times (out of memory, or a crash in a model)"
    E053 = "cannot write the Parquet output to {path}: {reason}"
    E060 = "no story with id '{story_id}' in {path} (`kroniek stories` lists them)"
    E061 = "'{text}': no {kinds} has that id or name in {path}"
    E062 = "cannot write the export to {path}: {reason}"


class KroniekError(Exception):
    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.fields = fields
        template: str = getattr(Errors, code)
        super().__init__(f"[{code}] {template.format(**fields)}")


class InputError(KroniekError):
    pass


class IngestError(InputError):
    pass


class PipelineError(KroniekError):
    pass


class StoreError(KroniekError):
    pass


class BatchError(KroniekError):
    pass
