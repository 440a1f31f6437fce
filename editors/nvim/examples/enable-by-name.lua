-- qtasks-lsp on Neovim 0.11+ without setup(): the server is enabled by name and
-- configured by the file lsp/qtasks_lsp.lua of the plugin.
vim.opt.runtimepath:append(vim.fn.expand("~/src/qtasks-lsp/editors/nvim"))

vim.lsp.config("qtasks_lsp", {
  settings = { qtasks = { app = "shop.app:app" } },
})
vim.lsp.enable("qtasks_lsp")
