"""Batch analysis of large inputs: partitions of documents on a local or a Dask engine, results to Parquet
and/or the store. `kroniek batch` is the command; `run_batch(BatchJob(...))` the Python API."""

from kroniek.batch.run import BatchJob, BatchReport, run_batch
from kroniek.batch.tables import SCHEMAS

__all__ = ["SCHEMAS", "BatchJob", "BatchReport", "run_batch"]
