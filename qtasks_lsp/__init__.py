"""qtasks-lsp: editor support for QTasks projects.

The package holds the language server (``server``), its LSP features
(``features``), the static task scan (``scan``), app and interpreter discovery
(``discovery``, ``interpreter``), the sandboxed inspection (``inspector`` and
the ``agent`` script it runs in the project's interpreter) and the CLI.
"""

__version__ = "0.1.0"
