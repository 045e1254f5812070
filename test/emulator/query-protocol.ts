// The AWS query protocol of STS and IAM: form-encoded parameters in, XML documents out.
import type {AwsError} from './errors.ts'

export const NAMESPACES = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
} as const

export type QueryService = keyof typeof NAMESPACES

export const parseForm = (text: string): Record<string, string> => Object.fromEntries(new URLSearchParams(text))

// Reads `Name.member.N` (scalar lists) or `Name.member.N.Field` (structure lists) in index order.
export function listParam(params: Record<string, string>, name: string): string[]
export function listParam(params: Record<string, string>, name: string, fields: string[]): Array<Record<string, string>>
export function listParam(params: Record<string, string>, name: string, fields?: string[]): unknown[] {
  const items: unknown[] = []
  for (let index = 1; ; index++) {
    const prefix = `${name}.member.${index}`
    if (!fields) {
      const value = params[prefix]
      if (value === undefined) return items
      items.push(value)
      continue
    }
    const entry: Record<string, string> = {}
    for (const field of fields) {
      const value = params[`${prefix}.${field}`]
      if (value !== undefined) entry[field] = value
    }
    if (Object.keys(entry).length === 0) return items
    items.push(entry)
  }
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

export interface XmlNode {
  [name: string]: XmlValue
}
export type XmlValue = string | number | boolean | undefined | XmlNode | XmlValue[]

// Arrays become `<member>` lists, the query protocol's list encoding.
export const toXml = (node: XmlNode): string =>
  Object.entries(node)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${valueToXml(value)}</${name}>`)
    .join('')

const valueToXml = (value: XmlValue): string => {
  if (Array.isArray(value)) return value.map((item) => `<member>${valueToXml(item)}</member>`).join('')
  if (typeof value === 'object') return toXml(value)
  return escapeXml(String(value))
}

export const successXml = (service: QueryService, action: string, result: XmlNode | undefined, requestId: string): string => {
  const resultXml = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`
  return (
    `<${action}Response xmlns="${NAMESPACES[service]}">${resultXml}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  )
}

export const errorXml = (service: QueryService, error: AwsError, requestId: string): string =>
  `<ErrorResponse xmlns="${NAMESPACES[service]}">` +
  `<Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
  `<RequestId>${requestId}</RequestId></ErrorResponse>`
