/**
 * The one stylesheet of the sign-in and consent pages, served from this origin (the CSP allows
 * nothing else). Focus is drawn as GOV.UK draws it: yellow with black, seen on white, on the red
 * of an error and on a button alike (a yellow ring alone is 1.3:1 on white); `transparent`
 * outlines keep a ring in forced-colours modes, where backgrounds and shadows are dropped.
 */
export const LEDGERLINE_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:19px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;background:#f3f2f1;overflow-wrap:break-word}
.ll-header{background:#0b0c0c;color:#fff;padding:12px 24px}
.ll-brand{font-weight:700;letter-spacing:.02em}
.ll-main{max-width:640px;margin:32px auto;background:#fff;padding:24px 32px 32px}
h1{font-size:2rem;margin:0 0 16px}
.ll-lead{font-size:1.2rem}
label,legend{display:block;font-weight:700;margin:16px 0 4px}
.ll-hint{display:block;color:#505a5f;font-weight:400;margin-bottom:4px}
input[type=text],input[type=password]{width:100%;font:inherit;padding:6px 8px;border:2px solid #0b0c0c;border-radius:0}
.ll-field-error input{border-color:#d4351c}
.ll-error-message{display:block;color:#d4351c;font-weight:700}
.ll-error-summary{border:5px solid #d4351c;padding:16px;margin-bottom:24px}
.ll-error-summary h2{margin-top:0}
.ll-error-summary a{color:#d4351c;font-weight:700}
.ll-actions{display:flex;gap:16px;margin-top:24px;flex-wrap:wrap}
button{font:inherit;padding:8px 16px;border:0;box-shadow:0 2px 0 #002d18;background:#00703c;color:#fff;cursor:pointer}
button.ll-secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
.ll-scopes{list-style:none;padding:0}
.ll-scopes li{padding:8px 0;border-bottom:1px solid #b1b4b6}
.ll-scopes label{display:inline;font-weight:400;margin:0}
.ll-scopes input{width:24px;height:24px;margin:0 8px 0 0;vertical-align:-5px;accent-color:#0b0c0c}
.ll-tag{display:inline-block;font-size:.8rem;font-weight:700;padding:2px 6px;margin-left:6px;background:#fcd6c3;color:#6e3619}
.ll-summary dt{font-weight:700}
.ll-summary dd{margin:0 0 8px}
code{font-size:.9em;overflow-wrap:anywhere}
input:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
input[type=checkbox]:focus{box-shadow:0 0 0 6px #0b0c0c}
button:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;box-shadow:0 2px 0 #0b0c0c}
a:focus,.ll-error-summary a:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
.ll-error-summary:focus{outline:3px solid #fd0;outline-offset:0}
@media (max-width:40em){.ll-header{padding:12px 16px}.ll-main{margin:0 0 24px;padding:16px 16px 24px}h1{font-size:1.6rem}}
.ll-visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;white-space:nowrap!important;border:0!important}
`;
