// Entry point of the package (`require('segcore')`; `import` goes through index.mjs, which
// re-exports this module). It loads the napi-rs binding (index.js, generated) and gives the
// errors napi itself raises while converting JavaScript arguments (a string where a number is
// expected, a plain object where a typed array is) the package's stable code
// `SEGCORE_INVALID_ARGUMENT`, keeping napi's message; errors from segcore already carry their
// `SEGCORE_*` code and pass through unchanged. Nothing else is changed.
'use strict'

const binding = require('./index.js')

const INVALID_ARGUMENT = 'SEGCORE_INVALID_ARGUMENT'

function recode(e) {
  if (e instanceof Error && !(typeof e.code === 'string' && e.code.startsWith('SEGCORE_'))) {
    try {
      e.napiCode = e.code
      e.code = INVALID_ARGUMENT
    } catch (_) {
      // a frozen error keeps its code
    }
  }
  return e
}

function guard(fn) {
  if (fn.__segcoreGuarded) return fn
  const wrapped = function (...args) {
    let out
    try {
      out = new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args)
    } catch (e) {
      throw recode(e)
    }
    if (out && typeof out.then === 'function') {
      return out.then(undefined, (e) => {
        throw recode(e)
      })
    }
    return out
  }
  Object.defineProperty(wrapped, 'name', { value: fn.name })
  Object.defineProperty(wrapped, 'length', { value: fn.length })
  wrapped.__segcoreGuarded = true
  return wrapped
}

function guardMethods(obj) {
  for (const key of Object.getOwnPropertyNames(obj)) {
    if (key === 'constructor' || key === 'prototype' || key === 'length' || key === 'name') continue
    const d = Object.getOwnPropertyDescriptor(obj, key)
    if (d && typeof d.value === 'function' && d.writable) {
      Object.defineProperty(obj, key, { ...d, value: guard(d.value) })
    } else if (d && (d.get || d.set) && d.configurable) {
      Object.defineProperty(obj, key, {
        ...d,
        get: d.get && guard(d.get),
        set: d.set && guard(d.set),
      })
    }
  }
}

function guardClass(cls) {
  guardMethods(cls.prototype)
  guardMethods(cls) // static factories (fromJson, ...)
  // constructors: a Proxy keeps `instanceof` and statics, and recodes conversion errors
  const proxy = new Proxy(cls, {
    construct(target, args, newTarget) {
      try {
        return Reflect.construct(target, args, newTarget === proxy ? target : newTarget)
      } catch (e) {
        throw recode(e)
      }
    },
  })
  return proxy
}

function patch(ns) {
  for (const key of Object.keys(ns)) {
    const v = ns[key]
    if (typeof v !== 'function') {
      if (v && typeof v === 'object' && !Array.isArray(v)) patch(v) // namespaces (datasets)
      continue
    }
    const isClass = v.prototype && Object.getOwnPropertyNames(v.prototype).length > 1
    if (isClass) {
      const p = guardClass(v)
      ns[key] = p
    } else {
      ns[key] = guard(v)
    }
  }
}

if (!binding.__segcorePatched) {
  patch(binding)
  Object.defineProperty(binding, '__segcorePatched', { value: true })
}

module.exports = require('./index.js')
