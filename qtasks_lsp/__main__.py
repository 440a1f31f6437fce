"""``python -m qtasks_lsp``: the same as the ``qtasks-lsp`` command."""

from qtasks_lsp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
