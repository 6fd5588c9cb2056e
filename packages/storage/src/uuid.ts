// Row ids are uuids; a value that is not one cannot name a row, so lookups skip the query.
// Its own module: the bot directory (used by the storage context) and the repositories (which use
// the context) both need it, and neither may import the other's side.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
