// Fills the report template the server hands out, the way a person does in Excel: the value
// cells of the named indicators get text in Vietnamese notation. Just enough of the zip format
// (read any entry, write stored entries) to do it without a dependency.
import { inflateRawSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/// The entries of a zip file: name → contents.
export function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    p += 46 + skip;
  }
  return out;
}

/// A zip file of stored (uncompressed) entries.
export function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += local.length + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.size, 8);
  end.writeUInt16LE(entries.size, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/// Writes `values` ({ indicator code: text }) into column F (the month's value) of the rows
/// whose column A holds that code, in the first sheet of the template.
export function fillTemplate(buf, values) {
  const files = unzip(buf);
  const strings = [...(files.get('xl/sharedStrings.xml')?.toString('utf8') ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => [...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''));
  const sheetName = [...files.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort()[0];
  let sheet = files.get(sheetName).toString('utf8');
  const filled = new Set();
  sheet = sheet.replace(/<row [^>]*r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g, (row, r, cells) => {
    const a = cells.match(new RegExp(`<c r="A${r}"[^>]*t="s"[^>]*><v>(\\d+)</v></c>`));
    const code = a && strings[Number(a[1])];
    if (!code || !(code in values)) return row;
    filled.add(code);
    const cell = `<c r="F${r}" t="inlineStr"><is><t>${escape(String(values[code]))}</t></is></c>`;
    const existing = new RegExp(`<c r="F${r}"[^>]*?(/>|>[\\s\\S]*?</c>)`);
    if (existing.test(cells)) return row.replace(existing, cell);
    // No cell F yet: insert it before G or at the end, keeping cells in column order.
    const g = cells.search(new RegExp(`<c r="[G-Z]${r}"`));
    const updated = g >= 0 ? cells.slice(0, g) + cell + cells.slice(g) : cells + cell;
    return row.replace(cells, updated);
  });
  for (const code of Object.keys(values)) if (!filled.has(code)) throw new Error(`no row for ${code} in the template`);
  files.set(sheetName, Buffer.from(sheet, 'utf8'));
  return zip(files);
}
