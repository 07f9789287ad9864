//! The shared server command-line model: uvicorn/gunicorn/... invocations.
