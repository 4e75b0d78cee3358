// `express4` is `npm:express@4`; its API is the one @types/express describes for what these tests use.
declare module 'express4' {
  import express from 'express'
  export default express
}
