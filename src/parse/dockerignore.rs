//! `.dockerignore` parser and matcher with Docker's semantics.
