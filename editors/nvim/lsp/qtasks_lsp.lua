-- qtasks-lsp for vim.lsp.enable("qtasks_lsp") (Neovim 0.11+), with the folder
-- editors/nvim on 'runtimepath'. Settings go in `settings.qtasks`:
--   vim.lsp.config("qtasks_lsp", { settings = { qtasks = { app = "shop.app:app" } } })
local config = require("qtasks_lsp.config")

return config.client_config(config.resolve({}))
