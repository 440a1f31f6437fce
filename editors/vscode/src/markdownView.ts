/**
 * Read-only markdown documents beside the editor, for the server's inspection
 * summary and status. They live in memory under the `qtasks` scheme and open
 * in VS Code's markdown preview, or as plain markdown text when the built-in
 * markdown extension is absent.
 */

import * as vscode from "vscode";

export const SCHEME = "qtasks";

export class MarkdownView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? "";
  }

  /** Show `markdown` beside the active editor in the document called `title`. */
  async show(title: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${title}.md` });
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);

    try {
      await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
    } catch {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(document, "markdown");
      await vscode.window.showTextDocument(document, {
        viewColumn: vscode.ViewColumn.Beside,
        preview: true,
      });
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
