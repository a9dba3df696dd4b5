"""pypdf's settings for untrusted PDFs, the same when extraction reads one and when the
banner stamps one: every stream's decompressed size bounded, no external decoder run."""

from __future__ import annotations

from typing import Any

from scanner.limits import ScanLimits


def pypdf_configuration(limits: ScanLimits) -> dict[str, Any]:
    """pypdf's per-stream output bounds, all set to ``max_pdf_stream_bytes``."""
    bound = limits.max_pdf_stream_bytes
    return {
        "maximum_declared_stream_length": bound,
        "array_based_stream_maximum_output_length": bound,
        "jbig2_maximum_output_length": bound,
        "lzw_maximum_output_length": bound,
        "run_length_maximum_output_length": bound,
        "zlib_maximum_output_length": bound,
        "brotli_maximum_output_length": bound,
        "image_maximum_buffer_size": bound,
        # Never run an external decoder (jbig2dec) on untrusted input.
        "jbig2dec_binary": None,
        # We never change pypdf's old module constants; skip looking for them.
        "disable_legacy_handling": True,
    }
