--- Starting the server for Python buffers, in the way each supported Neovim offers:
--- vim.lsp.config/enable on 0.11+, vim.lsp.start on 0.8-0.10, and
--- vim.lsp.start_client with vim.lsp.buf_attach_client on 0.7.
local config = require("qtasks_lsp.config")

local M = {}

local uv = vim.uv or vim.loop

--- How this Neovim starts servers: "enable", "start" or "start_client".
function M.method()
  if vim.fn.has("nvim-0.11") == 1 and vim.lsp.config and vim.lsp.enable then
    return "enable"
  end
  if vim.lsp.start then
    return "start"
  end

  return "start_client"
end

--- The nearest folder at or above the file `path` that holds one of `markers`.
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while true do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end

    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

-- Client ids started through vim.lsp.start_client, by root folder.
local started = {}

local function start_client(client_config, bufnr)
  local key = client_config.root_dir or ""
  local id = started[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config)
    started[key] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

--- Starts or reuses the client for one buffer (Neovim before 0.11). A missing
--- server was reported by setup(); like vim.lsp.enable(), nothing is tried then.
local function attach(resolved, bufnr)
  if vim.bo[bufnr].buftype ~= "" then
    return
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" or vim.fn.executable(resolved.cmd[1]) == 0 then
    return
  end

  local client_config = config.client_config(resolved)
  client_config.root_dir = M.find_root(path, resolved.root_markers)
  client_config.filetypes = nil
  client_config.root_markers = nil

  if vim.lsp.start then
    vim.lsp.start(client_config, { bufnr = bufnr })
  else
    start_client(client_config, bufnr)
  end
end

local function enable_legacy(resolved)
  local group = vim.api.nvim_create_augroup("qtasks_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = resolved.filetypes,
    callback = function(args)
      attach(resolved, args.buf)
    end,
  })

  local wanted = {}
  for _, filetype in ipairs(resolved.filetypes) do
    wanted[filetype] = true
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and wanted[vim.bo[bufnr].filetype] then
      attach(resolved, bufnr)
    end
  end
end

--- Makes every buffer of the configured filetypes start or join the server.
function M.enable(resolved)
  if M.method() == "enable" then
    vim.lsp.config(config.name, config.client_config(resolved))
    vim.lsp.enable(config.name)
    return
  end

  enable_legacy(resolved)
end

return M
