//! A tolerant model of POSIX shell command lines (RUN, CMD and scripts).
