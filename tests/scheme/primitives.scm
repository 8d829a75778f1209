;;; primitives.scm — R7RS procedures exposed under names of their own, so that
;;; the seed's claims about them can be tested through the runner.

;; Scheme's exp, beside Python's math.exp.
(define (scheme-exp z) (exp z))
