--- qtasks-lsp for Neovim: require("qtasks_lsp").setup(opts) starts the server for
--- Python buffers and defines :QTasksInspect, :QTasksStatus and :QTasksRefresh.
local M = {}

--- The oldest Neovim this plugin runs on: Lua user commands and autocommands
--- (nvim_create_user_command, nvim_create_autocmd) arrived in 0.7.
M.minimum_version = "0.7"

local function notify(message, level)
  vim.notify("qtasks-lsp: " .. message, level)
end

local function running_version()
  return vim.fn.matchstr(vim.fn.execute("version"), "NVIM v\\zs[^\\n]*")
end

local function warn_if_not_executable(cmd)
  if vim.fn.executable(cmd[1]) == 1 then
    return
  end
  notify(
    (
      "cannot start the server: `%s` is not an executable on PATH. "
      .. "Install it with `pip install qtasks-lsp`, or give its path as `cmd` in setup()"
    ):format(cmd[1]),
    vim.log.levels.WARN
  )
end

--- Starts qtasks-lsp for the configured filetypes; returns false when it cannot.
function M.setup(opts)
  if vim.fn.has("nvim-" .. M.minimum_version) == 0 then
    notify(
      ("needs Neovim %s or newer, this is %s"):format(M.minimum_version, running_version()),
      vim.log.levels.ERROR
    )
    return false
  end

  local resolved, problem = require("qtasks_lsp.config").resolve(opts)
  if not resolved then
    notify(problem, vim.log.levels.ERROR)
    return false
  end

  warn_if_not_executable(resolved.cmd)
  require("qtasks_lsp.commands").create()
  require("qtasks_lsp.start").enable(resolved)

  return true
end

return M
