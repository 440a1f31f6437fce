-- Defines the :QTasks* commands as soon as the plugin is on 'runtimepath', so
-- they exist for servers enabled by name as well as through setup().
if vim.g.loaded_qtasks_lsp or vim.fn.has("nvim-0.7") == 0 then
  return
end
vim.g.loaded_qtasks_lsp = true

require("qtasks_lsp.commands").create()
