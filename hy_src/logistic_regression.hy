;;; logistic-regression — k features, trained by gradient descent and by Newton's method.
;;; rows is a list of feature lists; a model is [weights bias], weights a list.
;;; Sums run left to right, one term at a time, in every language.

(import .sigmoid [stable-sigmoid])

(defn dot [u v]
  "u·v = Σ uᵢvᵢ, summed left to right.
  (dot [1.0 2.0] [3.0 4.0]) ; => 11.0"
  (setv total 0.0)
  (for [#(a b) (zip u v :strict True)]
    (+= total (* a b)))
  total)

(defn solve [a v]
  "x with A x = v: Gaussian elimination with partial pivoting (the first row
  with the largest |pivot|), then back substitution.
  (solve [[2.0 1.0] [1.0 3.0]] [3.0 5.0]) ; => [0.8 1.4]"
  (setv n (len v)
        m (lfor #(row x) (zip a v :strict True) [#* row x]))
  (for [col (range n)]
    (setv p col)
    (for [r (range (+ col 1) n)]
      (when (> (abs (get m r col)) (abs (get m p col)))
        (setv p r)))
    (setv [(get m p) (get m col)] [(get m col) (get m p)])
    (for [r (range (+ col 1) n)]
      (setv f (/ (get m r col) (get m col col)))
      (for [c (range col (+ n 1))]
        (setv (get m r c) (- (get m r c) (* f (get m col c)))))))
  (setv x (* [0.0] n))
  (for [r (range (- n 1) -1 -1)]
    (setv s (get m r n))
    (for [c (range (+ r 1) n)]
      (setv s (- s (* (get m r c) (get x c)))))
    (setv (get x r) (/ s (get m r r))))
  x)

(defn gradient-sums [ws b rows ys]
  "[Σ rᵢ·xᵢ  Σ rᵢ] with rᵢ = σ(w·xᵢ + b) − yᵢ: the summed gradient of the loss.
  (gradient-sums [0.0] 0.0 [[1.0] [-1.0]] [1 0]) ; => [[-1.0] 0.0]"
  (setv gw (* [0.0] (len ws)) gb 0.0)
  (for [#(row y) (zip rows ys :strict True)]
    (setv r (- (stable-sigmoid (+ (dot ws row) b)) y)
          gw (lfor #(g x) (zip gw row :strict True) (+ g (* r x))))
    (+= gb r))
  [gw gb])

(defn fit-gd [rows ys rate epochs]
  "[weights bias] after `epochs` full-batch steps η·(mean gradient), from 0.
  (fit-gd [[1.0] [-1.0]] [1 0] 1.0 1) ; => [[0.5] 0.0]"
  (setv n (len rows) ws (* [0.0] (len (get rows 0))) b 0.0)
  (for [_ (range epochs)]
    (setv [gw gb] (gradient-sums ws b rows ys)
          ws (lfor #(w g) (zip ws gw) (- w (* rate (/ g n))))
          b (- b (* rate (/ gb n)))))
  [ws b])

(defn newton-system [ws b rows ys penalty]
  "[H g]: the Hessian and gradient of Σ L(yᵢ, σ(w·xᵢ + b)) + (λ/2)‖w‖² over
  x̃ = (x… 1): H = Σ p̂(1 − p̂) x̃x̃ᵀ + λI (bias unpenalised), g = Σ (p̂ − y) x̃ + λw."
  (setv k (+ (len ws) 1)
        g (* [0.0] k)
        h (lfor _ (range k) (* [0.0] k)))
  (for [#(row y) (zip rows ys :strict True)]
    (setv xt [#* row 1.0]
          p (stable-sigmoid (+ (dot ws row) b))
          r (- p y)
          s (* p (- 1 p)))
    (for [j (range k)]
      (setv (get g j) (+ (get g j) (* r (get xt j)))
            sx (* s (get xt j))
            hj (get h j))
      (for [col (range k)]
        (setv (get hj col) (+ (get hj col) (* sx (get xt col)))))))
  (for [#(j w) (enumerate ws)]
    (setv (get g j) (+ (get g j) (* penalty w))
          (get h j j) (+ (get h j j) penalty)))
  [h g])

(defn fit-newton [rows ys penalty iterations]
  "[weights bias] after `iterations` Newton steps θ ← θ − H⁻¹g (iteratively
  reweighted least squares) on Σ L + (λ/2)‖w‖², from 0.  λ = 0 is the MLE.
  (fit-newton [[1.0] [-1.0] [2.0] [-2.0]] [1 0 0 1] 0.0 1) ; => [[-0.4] 0.0]"
  (setv ws (* [0.0] (len (get rows 0))) b 0.0)
  (for [_ (range iterations)]
    (setv [h g] (newton-system ws b rows ys penalty)
          delta (solve h g)
          ws (lfor #(w d) (zip ws delta) (- w d))
          b (- b (get delta (len ws)))))
  [ws b])
