import { randomUUID } from 'node:crypto';
import type { AwsProtocol } from './aws-request';

/** An HTTP answer the proxy sends back. */
export interface ProxyResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** An XML element's content: text, nested elements, or a list (rendered as `<member>` items). */
export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | undefined
  | null
  | XmlValue[]
  | { [name: string]: XmlValue };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Element names of list items by the list's field name; lists not named here use `member`. */
export type ListItems = Readonly<Record<string, string>>;

function render(value: XmlValue, items: ListItems, listItem = 'member'): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return value.map((item) => `<${listItem}>${render(item, items)}</${listItem}>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([name, item]) => `<${name}>${render(item, items, items[name])}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** A query-protocol answer: `<{Operation}Response><{Operation}Result>…` with its request id. */
export function queryResult(
  operation: string,
  namespace: string,
  result: Record<string, XmlValue>,
  items: ListItems = {},
): ProxyResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?><${operation}Response xmlns="${namespace}">` +
    `<${operation}Result>${render(result, items)}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

/** A REST-XML answer (Route 53): the root element holds the fields; lists render with `itemName`. */
export function restXmlResult(
  root: string,
  namespace: string,
  fields: Record<string, XmlValue>,
  items: ListItems = {},
): ProxyResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${namespace}">${render(fields, items)}</${root}>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

/** A JSON answer. */
export function jsonResult(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ProxyResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** An AWS error in the shape the protocol's SDK parses: the code is what retry logic classifies. */
export function awsError(
  protocol: AwsProtocol,
  status: number,
  code: string,
  message: string,
): ProxyResponse {
  const requestId = randomUUID();
  const type = status >= 500 ? 'Receiver' : 'Sender';
  switch (protocol) {
    case 'json':
      return jsonResult(
        status,
        { __type: code, message },
        { 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
      );
    case 'rest-json':
      return jsonResult(
        status,
        { Type: type === 'Sender' ? 'User' : 'Service', message },
        {
          'x-amzn-errortype': code,
          'x-amzn-requestid': requestId,
        },
      );
    case 'rest-xml':
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(
          `<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        ),
      };
    case 'query':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body: Buffer.from(
          `<?xml version="1.0"?><ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        ),
      };
  }
}

/** The code AWS uses for throttling in each protocol family (all retried by the SDK as throttles). */
export function throttlingCode(protocol: AwsProtocol): string {
  if (protocol === 'json') return 'ThrottlingException';
  if (protocol === 'rest-json') return 'TooManyRequestsException';
  return 'Throttling';
}
