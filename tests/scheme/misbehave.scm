;;; misbehave.scm — Scheme helpers for tests/test_scheme_runner.py.
;;;
;;; The shim loads this file after the concept files, into the same
;;; environment: only (scheme base) and (scheme inexact), so everything here
;;; is R7RS-small (except `guile-only`, on purpose).  Some functions behave
;;; (echo, spin, bump); the others misbehave on purpose, so that the runner's
;;; recovery can be tested.

;; Return the argument unchanged: the round trip of values over the wire.
(define (echo x) x)

;; Busy loop for n rounds, then return x: a slow but well-behaved call.
(define (spin n x)
  (let loop ((i 0))
    (if (< i n)
        (loop (+ i 1))
        x)))

;; Loop forever: the call never answers, so the runner must time out.
(define (hang)
  (let loop ((i 0))
    (loop (+ i 1))))

;; Write "blah " every n rounds of a busy loop, forever, and never a newline:
;; a call that keeps talking but never answers.
(define (babble n)
  (let loop ()
    (spin n 0)
    (write-string "blah ")
    (flush-output-port)
    (loop)))

;; Print a whole line that is not an answer, then return x.
(define (garble x)
  (write-string "this is not an answer")
  (newline)
  x)

;; Print text with no newline, so that it sticks to the front of the real answer.
(define (garble-no-newline x)
  (write-string "junk")
  x)

;; A counter: shows which calls really reached the process.
(define bumps 0)
(define (bump)
  (set! bumps (+ bumps 1))
  bumps)
(define (bump-count) bumps)

;; Errors and values whose text needs escaping in JSON.
(define (quote-error)
  (error "bad \"quote\" \\ é" 1))
(define (control-error)
  (error (string #\a (integer->char 233) #\" #\\ #\newline #\tab (integer->char 1)
                 (integer->char #x1F600) #\z)
         "irritant \"two\""))
(define (weird-string)
  (string #\a #\" #\\ #\newline #\tab (integer->char 1) (integer->char 233)
          (integer->char #x1F600)))

;; An exact integer of n + 1 decimal digits.
(define (ten-to n) (expt 10 n))

;; `1+` is Guile, not R7RS-small: defining this is fine, calling it is not.
(define (guile-only x) (1+ x))
