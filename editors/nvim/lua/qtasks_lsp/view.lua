--- A floating window that shows what a server command returned; `q` closes it.
local M = {}

-- The window of the last result shown, replaced by the next one.
local current_win = nil

local function close_current()
  if current_win and vim.api.nvim_win_is_valid(current_win) then
    vim.api.nvim_win_close(current_win, true)
  end
  current_win = nil
end

local function split_lines(text)
  local lines = vim.split((text or ""):gsub("\r", ""), "\n", { plain = true })
  while #lines > 1 and lines[#lines] == "" do
    table.remove(lines)
  end

  return lines
end

local function window_options(lines, title)
  local width = vim.fn.strdisplaywidth(title or "")
  for _, line in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(line))
  end
  width = math.max(20, math.min(width + 2, vim.o.columns - 8))
  local height = math.max(1, math.min(#lines, vim.o.lines - 6))

  local options = {
    relative = "editor",
    width = width,
    height = height,
    row = math.floor((vim.o.lines - height) / 2) - 1,
    col = math.floor((vim.o.columns - width) / 2),
    style = "minimal",
    border = "rounded",
  }
  if title and vim.fn.has("nvim-0.9") == 1 then
    options.title = " " .. title .. " "
    options.title_pos = "center"
  end

  return options
end

--- Shows `text` in a scratch buffer of `filetype`, named `name`; returns the buffer.
function M.show(text, filetype, name, title)
  close_current()
  local lines = split_lines(text)

  local bufnr = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  pcall(vim.api.nvim_buf_set_name, bufnr, name)
  vim.bo[bufnr].bufhidden = "wipe"
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].filetype = filetype
  vim.api.nvim_buf_set_keymap(bufnr, "n", "q", "<Cmd>close<CR>", {
    noremap = true,
    nowait = true,
    silent = true,
  })

  current_win = vim.api.nvim_open_win(bufnr, true, window_options(lines, title))
  vim.wo[current_win].wrap = true
  if filetype == "markdown" then
    vim.wo[current_win].conceallevel = 2
  end

  return bufnr
end

return M
