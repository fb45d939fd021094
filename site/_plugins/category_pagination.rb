# Category pages, paginated, and a feed for every category.
#
# jekyll-paginate (v1) paginates only the home page. Here each category page
# (layout: category) gets `paginator` as jekyll-paginate gives it to the
# home page: `category_paginate` posts (default 20), newest first, and the
# older ones on pages {the page's URL without .html}/page2.html, page3.html...
# It also lists every category in `feed.categories`, so that jekyll-feed
# (which runs after, at priority :lowest) writes /feed/{category}.xml.
module Newscrawler
  class CategoryPager
    def initialize(posts, number, per_page, paths)
      @posts, @number, @per_page, @paths = posts, number, per_page, paths
    end

    def to_liquid
      total = @paths.size
      {
        "page" => @number,
        "per_page" => @per_page,
        "posts" => @posts.slice((@number - 1) * @per_page, @per_page) || [],
        "total_posts" => @posts.size,
        "total_pages" => total,
        "previous_page" => @number > 1 ? @number - 1 : nil,
        "previous_page_path" => @number > 1 ? @paths[@number - 2] : nil,
        "next_page" => @number < total ? @number + 1 : nil,
        "next_page_path" => @number < total ? @paths[@number] : nil,
      }
    end
  end

  class CategoryPagination < Jekyll::Generator
    safe true
    priority :high

    def generate(site)
      feed = site.config["feed"] ||= {}
      feed["categories"] = site.categories.keys.map(&:to_s).sort
      per_page = (site.config["category_paginate"] || 20).to_i
      site.pages.select { |page| page.data["layout"] == "category" }.each do |page|
        paginate(site, page, per_page)
      end
    end

    private

    def paginate(site, page, per_page)
      posts = (site.categories[page.data["category"].to_s] || []).sort_by { |post| [post.date, post.path] }.reverse
      total = [(posts.size + per_page - 1) / per_page, 1].max
      folder = page.url.end_with?("/") ? page.url : page.url.sub(/\.html\z/, "/")
      paths = [page.url] + (2..total).map { |number| "#{folder}page#{number}.html" }
      page.pager = CategoryPager.new(posts, 1, per_page, paths)
      (2..total).each do |number|
        older = Jekyll::PageWithoutAFile.new(site, site.source, folder, "page#{number}.html")
        older.content = page.content
        older.data.merge!(page.data.reject { |key, _| key == "permalink" })
        older.data["older_page"] = number  # not a category of its own (see index.html)
        older.pager = CategoryPager.new(posts, number, per_page, paths)
        site.pages << older
      end
    end
  end
end
