"""The transcript's stylesheet: a Slack-like light theme, no external fonts or images."""

CSS = """
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.46 -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial,
  sans-serif; color: #1d1c1d; background: #fff; }
header.top { background: #3f0e40; color: #fff; padding: 14px 24px; }
header.top h1 { margin: 0; font-size: 20px; }
header.top p { margin: 2px 0 0; opacity: .85; }
header.top ul { margin: 8px 0 0; padding-left: 18px; }
.layout { display: flex; align-items: flex-start; }
nav { width: 250px; flex: none; background: #3f0e40; color: #cfc3cf; padding: 12px 0;
  position: sticky; top: 0; max-height: 100vh; overflow-y: auto; }
nav h2 { font-size: 13px; margin: 12px 16px 4px; color: #fff; opacity: .8; }
nav a { display: block; padding: 2px 16px; color: #cfc3cf; text-decoration: none;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
nav a .count { float: right; opacity: .7; font-size: 12px; }
main { flex: 1; min-width: 0; padding: 0 24px 40px; }
section.conv { border-bottom: 1px solid #ddd; padding: 8px 0 24px; }
section.conv > h2 { font-size: 18px; margin: 16px 0 0; }
section.conv > .topic { color: #616061; font-size: 13px; margin-bottom: 8px; }
.day { text-align: center; border-top: 1px solid #e8e8e8; margin: 22px 0 16px; height: 0; }
.day span { position: relative; top: -11px; background: #fff; border: 1px solid #e8e8e8;
  border-radius: 12px; padding: 1px 12px; font-size: 13px; font-weight: 600; }
.msg { display: flex; gap: 8px; padding: 6px 8px; border-radius: 6px; }
.msg:hover { background: #f8f8f8; }
.msg.ephemeral { background: #f4f4f8; }
.avatar { width: 36px; height: 36px; flex: none; border-radius: 6px; color: #fff;
  font-weight: 700; display: flex; align-items: center; justify-content: center; font-size: 13px; }
.msg-body { flex: 1; min-width: 0; }
.head .time, .action .time { color: #616061; font-size: 12px; margin-left: 4px; }
.app { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 1px 4px;
  border-radius: 3px; }
.only, .edited-note { color: #616061; font-size: 12px; }
.b-header { font-size: 18px; font-weight: 800; margin: 4px 0; }
.b-section { display: flex; gap: 12px; margin: 4px 0; }
.b-main { flex: 1; min-width: 0; }
.b-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 4px; }
.b-context { color: #616061; font-size: 13px; margin: 4px 0; display: flex; gap: 6px;
  align-items: center; flex-wrap: wrap; }
.b-context-img { width: 20px; height: 20px; border-radius: 4px; }
.b-divider { border: 0; border-top: 1px solid #ddd; margin: 8px 0; }
.b-actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 6px 0; }
.btn { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px;
  font-size: 14px; font-weight: 600; background: #fff; }
.btn-primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.btn-danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.select, .text-input { display: inline-block; border: 1px solid #bbb; border-radius: 4px;
  padding: 3px 10px; min-width: 120px; color: #444; background: #fff; }
.choice { display: block; }
.b-input { margin: 8px 0; }
.b-input label { display: block; font-weight: 700; }
.b-optional, .b-hint { color: #616061; font-weight: 400; font-size: 13px; }
.b-image, .file { margin: 6px 0; }
.b-img, .file img { max-width: 480px; max-height: 360px; border-radius: 6px;
  border: 1px solid #ddd; display: block; }
.b-thumb { width: 72px; height: 72px; border-radius: 6px; object-fit: cover; }
.img-missing { display: inline-block; padding: 8px; border: 1px dashed #bbb; color: #616061; }
.b-image-title, figcaption { font-size: 13px; color: #616061; }
.attachment { border-left: 4px solid #ddd; padding: 2px 10px; margin: 4px 0; }
.file-chip { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; display: inline-block; }
.thread { border-left: 2px solid #e8e8e8; margin: 6px 0 0 4px; padding-left: 8px; }
.thread-count { color: #1264a3; font-weight: 600; font-size: 13px; }
.action { color: #444; font-size: 13px; margin: 2px 0 2px 52px; }
.action ul { margin: 2px 0; padding-left: 20px; color: #616061; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
code { background: #f6f6f6; border: 1px solid #e8e8e8; border-radius: 3px; padding: 0 3px;
  color: #c01343; font-size: 13px; }
pre { background: #f6f6f6; border: 1px solid #e8e8e8; border-radius: 4px; padding: 8px;
  white-space: pre-wrap; }
blockquote { border-left: 4px solid #ddd; margin: 4px 0; padding-left: 10px; }
.b-unknown { color: #a00; font-size: 12px; }
.empty { color: #616061; }
a { color: #1264a3; }
"""
