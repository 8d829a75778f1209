;;; descent — training the one-feature model p̂ = σ(wx + b) by gradient descent.
;;; Sums run left to right, one term at a time, in every language.

;;> The mean loss (1/n) Σ L(yᵢ, σ(wxᵢ + b)), each term from the logit.
;;> (mean-cross-entropy 0.0 0.0 (1.0 -1.0) (1 0)) ⇒ 0.6931471805599453
(define (mean-cross-entropy w b xs ys)
  (let loop ((xs xs) (ys ys) (total 0.0) (n 0))
    (if (null? xs)
        (/ total n)
        (loop (cdr xs) (cdr ys)
              (+ total (cross-entropy-from-logit (car ys) (+ (* w (car xs)) b)))
              (+ n 1)))))

;;> One full-batch step with the mean gradient, p̂ from the stable σ:
;;> (w − η·(1/n) Σ (p̂ᵢ − yᵢ)xᵢ  b − η·(1/n) Σ (p̂ᵢ − yᵢ)).
;;> (descent-step 0.0 0.0 (1.0 -1.0) (1 0) 1.0) ⇒ (0.5 0.0)
(define (descent-step w b xs ys rate)
  (let loop ((xs xs) (ys ys) (gw 0.0) (gb 0.0) (n 0))
    (if (null? xs)
        (list (- w (* rate (/ gw n))) (- b (* rate (/ gb n))))
        (let ((r (- (stable-sigmoid (+ (* w (car xs)) b)) (car ys))))
          (loop (cdr xs) (cdr ys) (+ gw (* r (car xs))) (+ gb r) (+ n 1))))))

;;> (w b) after `epochs` steps from w = b = 0.
;;> (fit (1.0 -1.0) (1 0) 1.0 1) ⇒ (0.5 0.0)
(define (fit xs ys rate epochs)
  (let loop ((wb (list 0.0 0.0)) (k 0))
    (if (>= k epochs)
        wb
        (loop (descent-step (car wb) (cadr wb) xs ys rate) (+ k 1)))))

;;> ((L w b) …): the mean loss and the parameters after each step.
;;> (fit-trace (1.0 -1.0) (1 0) 1.0 1) ⇒ ((0.4740769841801067 0.5 0.0))
(define (fit-trace xs ys rate epochs)
  (let loop ((wb (list 0.0 0.0)) (k 0) (trace '()))
    (if (>= k epochs)
        (reverse trace)
        (let* ((next (descent-step (car wb) (cadr wb) xs ys rate))
               (loss (mean-cross-entropy (car next) (cadr next) xs ys)))
          (loop next (+ k 1) (cons (cons loss next) trace))))))
