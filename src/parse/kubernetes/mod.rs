//! Typed views of Kubernetes objects over the YAML tree.
