-- qtasks-lsp in a plain init.lua. The plugin is the folder editors/nvim of a
-- qtasks-lsp checkout; the server is the `qtasks-lsp` command (pip install qtasks-lsp).
vim.opt.runtimepath:append(vim.fn.expand("~/src/qtasks-lsp/editors/nvim"))

require("qtasks_lsp").setup({
  settings = {
    app = "shop.app:app",
    inspection = { timeout = 20 },
    logLevel = "info",
  },
})
