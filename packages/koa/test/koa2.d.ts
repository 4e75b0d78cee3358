// `koa2` is Koa 2 installed under an alias for the tests; @types/koa describes both.
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
