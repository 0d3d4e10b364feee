/** A value as messages show it: `'plmm'`, `-1`, `true`, `null`, `a list`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (typeof value === 'string') {
    return quote(value);
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (value !== null && typeof value === 'object') {
    return 'a mapping';
  }
  return String(value);
}

/** A string in single quotes, as YAML would accept it. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A JSON Schema type name as a noun phrase: `an integer`, `a list`. */
export function describeType(type: string): string {
  switch (type) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'null':
      return 'null';
    default:
      return type;
  }
}
